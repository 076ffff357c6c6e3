// esbuild's file loader turns an imported .wasm file into its URL (see serve.ts).
declare module '*.wasm' {
  const url: string;
  export default url;
}
