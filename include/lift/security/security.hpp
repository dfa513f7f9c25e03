#pragma once
// The security layer: JWT verification (HS/RS/PS/ES/EdDSA), JWKS, principals, API keys, PII
// masking, audit records and cached secrets.

#include "lift/security/api_key.hpp"
#include "lift/security/audit.hpp"
#include "lift/security/errors.hpp"
#include "lift/security/jwks.hpp"
#include "lift/security/jwt.hpp"
#include "lift/security/key.hpp"
#include "lift/security/masking.hpp"
#include "lift/security/principal.hpp"
#include "lift/security/secrets.hpp"
#include "lift/security/token.hpp"
#include "lift/security/verifier.hpp"
