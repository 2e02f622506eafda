// Regenerates config.json from the zod schema: `npm run generate:config`.
import { readFileSync, writeFileSync } from "node:fs";
import { buildConfigJson } from "../src/node/configJson.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
writeFileSync(new URL("../config.json", import.meta.url), `${JSON.stringify(buildConfigJson(version), null, 2)}\n`);
