// examples/partner-api as a Lambda function: the app is built in the init phase, where a
// configuration mistake is reported to Lambda's /init/error.
#include "lift/app/app.hpp"
#include "partner_api.hpp"

int main() { return lift::run([] { return partner_api::make_app(); }); }
