import{createRequire as __createRequire}from'node:module';const require=__createRequire(import.meta.url);
import{b as e,d as r}from"./chunk-GU3VMLT3.mjs";var p=r((s,i)=>{i.exports=e("node:os")});var q=r((t,o)=>{o.exports=e("node:fs")});export{p as a,q as b};
