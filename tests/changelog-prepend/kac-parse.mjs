// Parse a changelog with the npm keep-a-changelog parser and print the
// versions of its releases as a JSON array (null for an unversioned one such
// as [Unreleased]). Exit 1 with the parser's message when it does not parse.
//
//   node kac-parse.mjs FILE [--custom-types]
//
// --custom-types accepts change groups beyond the six standard ones, which
// the parser otherwise refuses.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const { parser, Release } = await import(join(here, "../npm/node_modules/keep-a-changelog/mod.js"));

const [file, flag] = process.argv.slice(2);
const options = {};
if (flag === "--custom-types") {
	options.releaseCreator = (version, date, description) => {
		const release = new Release(version, date, description);
		const add = release.addChange.bind(release);
		release.addChange = (type, change) => {
			if (!release.changes.has(type)) release.changes.set(type, []);
			return add(type, change);
		};
		return release;
	};
}
try {
	const changelog = parser(readFileSync(file, "utf8"), options);
	console.log(JSON.stringify(changelog.releases.map((r) => r.version ?? null)));
} catch (e) {
	console.error(`kac-parse: ${file}: ${e.message}`);
	process.exit(1);
}
