import{createRequire as __createRequire}from'node:module';const require=__createRequire(import.meta.url);
import{a,b,c,d}from"./chunk-HCQK3OEL.mjs";import"./chunk-5LXXVQO3.mjs";import"./chunk-GU3VMLT3.mjs";export{b as AuthError,a as BadQueryError,c as PrometheusClient,d as seriesName};
