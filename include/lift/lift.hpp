#pragma once
// Everything a function usually needs: the app, its context and handlers, the standard
// middleware, errors, JSON binding and the runtime loop. Link lift::lift.

#include "lift/app/app.hpp"
#include "lift/app/context.hpp"
#include "lift/app/errors.hpp"
#include "lift/app/handler.hpp"
#include "lift/app/middleware.hpp"
#include "lift/core/result.hpp"
#include "lift/core/uuid.hpp"
#include "lift/json/binding.hpp"
#include "lift/json/validation.hpp"
#include "lift/middleware/middleware.hpp"
