/**
 * The part of qrcode's browser build the tickets page uses. The page imports
 * lib/browser.js by name (the file the package's "browser" field maps
 * "qrcode" to) rather than "qrcode", whose types (@types/qrcode) describe
 * the Node build and pull Node's globals into the browser code's program.
 */
declare module "qrcode/lib/browser.js" {
  export interface SvgOptions {
    type: "svg";
    errorCorrectionLevel?: "L" | "M" | "Q" | "H";
    /** Quiet zone, in modules. */
    margin?: number;
  }
  /** The QR code of `text` as an SVG document. */
  export function toString(text: string, options: SvgOptions): Promise<string>;
}
