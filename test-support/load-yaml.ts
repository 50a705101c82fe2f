// The entry steps load the YAML parser before reading inputs (src/infra/yaml.ts); tests that read
// settings straight from the sources do the same, once per file.
import { loadYaml } from '../src/infra/yaml.js';

await loadYaml();
