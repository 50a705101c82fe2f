import{createRequire as __createRequire}from'node:module';const require=__createRequire(import.meta.url);
import{a,b,c}from"./chunk-SV7AJO4G.mjs";import"./chunk-JL7J5VPL.mjs";import"./chunk-GU3VMLT3.mjs";export{a as exec,c as execOrThrow,b as tail};
