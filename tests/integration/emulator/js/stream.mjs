// A streamed HTTP-integration response, and a stream that fails midway.
export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  if (event.fail) {
    responseStream.write("partial ");
    throw new Error("stream broke");
  }
  const http = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 201,
    headers: { "content-type": "text/plain", "x-from": "node" },
    cookies: ["a=1"],
  });
  http.write("streamed ");
  http.write("from node");
  http.end();
});
