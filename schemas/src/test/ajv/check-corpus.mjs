// Holds ajv, the JSON Schema validator most JavaScript producers use, to the verdicts the project's codec gave
// on the generated corpus (SchemaCodecAgreementProperties writes it when the schemas module's tests run).
// Not part of the test suite, so the suite needs no Node; README "The events" says how to run it:
//   npm install --prefix /tmp/ajv ajv@8 ajv-formats@3
//   NODE_PATH=/tmp/ajv/node_modules node schemas/src/test/ajv/check-corpus.mjs
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(join(process.env.NODE_PATH ?? process.cwd(), "x.js"));
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const module = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const schemas = join(module, "src", "main", "resources", "json-schema");
const corpus = process.argv[2] ?? join(module, "target", "schema-corpus", "events.jsonl");

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validators = {};
for (const file of readdirSync(schemas).filter((f) => f.endsWith(".schema.json"))) {
  validators[file.replace(".schema.json", "")] = ajv.compile(JSON.parse(readFileSync(join(schemas, file), "utf8")));
}

let passed = 0;
let failed = 0;
for (const line of readFileSync(corpus, "utf8").split("\n").filter((l) => l.trim() !== "")) {
  const { type, text, accepted, variant } = JSON.parse(line);
  const validate = validators[type];
  const ajvAccepts = validate(JSON.parse(text));
  if (ajvAccepts === accepted) {
    passed++;
  } else {
    failed++;
    console.log(`disagree (${variant}): codec ${accepted ? "accepts" : "refuses"}, ajv ${ajvAccepts ? "accepts" : "refuses"}: ${text}`);
    if (!ajvAccepts) console.log("  ajv: " + ajv.errorsText(validate.errors));
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
