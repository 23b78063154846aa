// Files webpack emits as assets (Remotion's bundler: asset/resource); importing one gives its URL.
declare module '*.woff2' {
	const url: string;
	export default url;
}
declare module '*.wav' {
	const url: string;
	export default url;
}
declare module '*.png' {
	const url: string;
	export default url;
}
