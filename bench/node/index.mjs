// The Node.js counterpart of examples/hello, run under AWS's runtime interface client
// (aws-lambda-ric) for side-by-side benchmarks.
export const handler = async (event) => {
  const name = event?.queryStringParameters?.name || "world";
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message: `hello, ${name}` }),
    isBase64Encoded: false,
  };
};
