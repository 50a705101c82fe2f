import{createRequire as __createRequire}from'node:module';const require=__createRequire(import.meta.url);
import{a}from"./chunk-VTO67LVB.mjs";import"./chunk-GU3VMLT3.mjs";export default a();
