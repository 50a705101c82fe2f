import{createRequire as __createRequire}from'node:module';const require=__createRequire(import.meta.url);
import{b as r,d as i}from"./chunk-GU3VMLT3.mjs";var o=i((p,e)=>{e.exports=r("node:https")});export{o as a};
