// Derive the semver suite: node-semver's test fixtures (JavaScript modules
// in SRC, an unpacked node-semver tree) written as JSON, strict rows only.
//
//   node semver-json.cjs SRC OUT
//
// A row is dropped when its options argument asks for loose parsing or for
// pre-releases in ranges (true, or an object with loose/includePrerelease),
// or when its input is not a string (JSON cannot hold a RegExp or an object
// with its own toString). Nothing in a kept row is changed. Each file is one
// JSON array, a row a line.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

// output name: [fixture module, index of the options argument or null]
const fixtures = {
	comparisons: ["comparisons", 2],
	equality: ["equality", 2],
	increments: ["increments", 3],
	valid: ["valid-versions", null],
	invalid: ["invalid-versions", 2],
};

const [src, out] = process.argv.slice(2);

function loose(options) {
	if (options === true)
		return true;
	return options !== null && typeof options === "object" &&
		Boolean(options.loose || options.includePrerelease);
}

fs.mkdirSync(out, { recursive: true });
for (const [name, [module, at]] of Object.entries(fixtures)) {
	const rows = require(path.resolve(src, "test/fixtures", module + ".js"))
		.filter((r) => at === null || !loose(r[at]))
		.filter((r) => typeof r[0] === "string");
	const text = "[\n" + rows.map((r) => " " + JSON.stringify(r)).join(",\n") + "\n]\n";
	fs.writeFileSync(path.join(out, name + ".json"), text);
}
