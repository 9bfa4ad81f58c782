/**
 * qrcode's Node build, for `toBuffer` (PNG, through pngjs). The package's
 * `browser` field sends Workers bundlers to a build without it; under
 * nodejs_compat the Node build runs in workerd.
 */
declare module "qrcode/lib/server.js" {
  export { toBuffer } from "qrcode";
}
