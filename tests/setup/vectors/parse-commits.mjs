// Derive conventional-commits/parsed.jsonl: each message of
// DIR/commit-messages.jsonl (one JSON string a line) parsed on its own by
// the npm reference parser, as configured by the Conventional Commits
// preset, both at the versions pinned in tests/npm/package-lock.json.
//
//   node parse-commits.mjs DIR OUT
//
// A field the parser leaves undefined is written as null, and "breaking"
// is true when any note's title says BREAKING (the preset turns a "!" in
// the header into such a note).
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const modules = join(dirname(fileURLToPath(import.meta.url)), "../../npm/node_modules");
const { CommitParser } = await import(join(modules, "conventional-commits-parser/dist/index.js"));
const { default: createPreset } = await import(join(modules, "conventional-changelog-conventionalcommits/src/index.js"));

const [dir, out] = process.argv.slice(2);
const parser = new CommitParser((await createPreset()).parser);

function row(message) {
	const c = parser.parse(message);
	return {
		message,
		type: c.type ?? null,
		scope: c.scope ?? null,
		subject: c.subject ?? null,
		breaking: c.notes.some((n) => n.title.includes("BREAKING")),
		notes: c.notes.map((n) => ({ title: n.title, text: n.text })),
		revert: c.revert ? { header: c.revert.header, hash: c.revert.hash } : null,
		merge: c.merge ?? null,
		references: c.references.map((r) => ({ action: r.action, issue: r.issue })),
	};
}

const rows = readFileSync(join(dir, "commit-messages.jsonl"), "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
writeFileSync(out, rows.map((m) => JSON.stringify(row(m)) + "\n").join(""));
