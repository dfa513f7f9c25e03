// Logs, then takes event.ms milliseconds: for captured logs and for timeouts.
export const handler = async (event) => {
  console.log(`slow handler got ${JSON.stringify(event)}`);
  await new Promise((resolve) => setTimeout(resolve, event.ms ?? 0));
  return { slept: event.ms ?? 0 };
};
