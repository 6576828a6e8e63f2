/** `import text from '<module path>?text'`: the file's content (esbuild-plugins.cjs, jest's text transform). */
declare module '*?text' {
  const text: string;
  export default text;
}
