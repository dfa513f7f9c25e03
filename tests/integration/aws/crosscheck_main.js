// The command line the SDK cross-check scripts share:
//   node <script> ENDPOINT OPERATION INPUT_JSON
// runs operations[OPERATION](ENDPOINT, INPUT) and prints its result as JSON; a service's error as
// {"error": NAME, "status": HTTP_STATUS}; anything else fails the process.
'use strict';

function run(operations) {
  const main = async () => {
    const [endpoint, operation, input] = process.argv.slice(2);
    if (!operations[operation]) throw new Error(`unknown operation ${operation}`);
    let result;
    try {
      result = await operations[operation](endpoint, JSON.parse(input));
    } catch (error) {
      if (!error.$metadata) throw error;
      result = { error: error.name, status: error.$metadata.httpStatusCode };
    }
    process.stdout.write(JSON.stringify(result));
  };
  main().catch((error) => {
    process.stderr.write(`${error.name}: ${error.message}\n`);
    process.exit(1);
  });
}

module.exports = { run };
