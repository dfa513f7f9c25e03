// Fails while the module loads: the runtime must report it to /init/error.
throw new Error("cannot initialise: missing configuration");
export const handler = async () => "unreachable";
