# lift's front door. `make demo` and `make test` are the two commands; both install what is
# missing first (scripts/setup is idempotent and quiet when there is nothing to do).

BUILD       ?= build
ASAN_BUILD  ?= build-asan
TSAN_BUILD  ?= build-tsan
FUZZ_BUILD  ?= build-fuzz
# Cross-compiled for Lambda's arm64 (Graviton): the libraries and the example functions only.
ARM64_BUILD ?= build-arm64
ARM64_TOOLCHAIN ?= cmake/toolchains/aarch64-linux-gnu.cmake
CMAKE_FLAGS ?=
JOBS        ?= $(shell nproc)
# Unity builds (several sources compiled as one) cut what a clean build of each configuration
# costs: headers are parsed and templates instantiated once per batch rather than once per file
# (three test files under ASan: 19 s as one batch, 36.5 s one by one).
# UNITY=OFF for a build tree in which editing one file recompiles only that file.
UNITY       ?= ON

.PHONY: all setup build build-asan build-arm64 test test-unit test-asan test-tsan test-fuzz test-release demo bench bench-e2e clean

all: build

setup:
	@bash scripts/setup

$(BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_UNITY_BUILD=$(UNITY) $(CMAKE_FLAGS)

# The sanitizer builds keep line tables only (-g1): enough for their stack traces, and the
# full debug information of -g costs about an eighth of their compile time.
$(ASAN_BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DLIFT_SANITIZE=ON \
	  -DLIFT_BUILD_EXAMPLES=OFF -DLIFT_BUILD_TOOLS=OFF -DLIFT_BUILD_BENCH=OFF -DCMAKE_UNITY_BUILD=$(UNITY) $(CMAKE_FLAGS)

# ThreadSanitizer at -O1 (TSan's advice: -O0 makes the instrumented code several times slower).
$(TSAN_BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(TSAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" -DLIFT_TSAN=ON \
	  -DLIFT_BUILD_BENCH=OFF -DCMAKE_UNITY_BUILD=$(UNITY) $(CMAKE_FLAGS)

# libFuzzer needs clang; only the layers and the fuzz targets are built there.
$(FUZZ_BUILD)/build.ninja: CMakeLists.txt
	CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" -DLIFT_BUILD_FUZZ=ON \
	  -DLIFT_BUILD_TESTS=OFF -DLIFT_BUILD_EXAMPLES=OFF -DLIFT_BUILD_TOOLS=OFF -DLIFT_BUILD_BENCH=OFF -DCMAKE_UNITY_BUILD=$(UNITY) $(CMAKE_FLAGS)

# The same Release flags with the cross compiler; the tests, benchmarks and the CLI are the
# build machine's (the toolchain file turns them off).
$(ARM64_BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(ARM64_BUILD) -G Ninja --toolchain $(abspath $(ARM64_TOOLCHAIN)) -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_UNITY_BUILD=$(UNITY) $(CMAKE_FLAGS)

build: setup $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# $(ARM64_BUILD)/bin/examples/*: the example functions for arm64, to `lift package --arch arm64`.
build-arm64: setup $(ARM64_BUILD)/build.ninja
	cmake --build $(ARM64_BUILD) -j $(JOBS)

build-asan: setup $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# The unit tests under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: build-asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD) -L unit --output-on-failure -j $(JOBS)

# The tests marked TSAN (concurrency) under ThreadSanitizer; only they and what they run are built.
test-tsan: setup $(TSAN_BUILD)/build.ninja
	cmake --build $(TSAN_BUILD) -j $(JOBS) --target lift_checks_tsan
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	  ctest --test-dir $(TSAN_BUILD) -L tsan --output-on-failure -j $(JOBS)

# Every parser's fuzz target, for a bounded time each (LIFT_FUZZ_SECONDS, default 15).
test-fuzz: setup $(FUZZ_BUILD)/build.ninja
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target lift_checks_fuzz
	ctest --test-dir $(FUZZ_BUILD) -L fuzz --output-on-failure -j $(JOBS)

test-unit: build
	ctest --test-dir $(BUILD) -L unit --output-on-failure -j $(JOBS)

# The Release build without its unit tests (test-asan runs those): integration tests, examples,
# the CLI and the documentation checks. Of the arm64 build, only what the qemu smoke test runs
# (tests/integration/arm64: hello and todo-api against their x86_64 builds).
test-release: setup $(BUILD)/build.ninja $(ARM64_BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target lift_checks_release
	cmake --build $(ARM64_BUILD) -j $(JOBS) --target hello todo-api
	LIFT_ARM64_BUILD_DIR=$(abspath $(ARM64_BUILD)) ctest --test-dir $(BUILD) -LE unit --output-on-failure -j $(JOBS)

# Everything, one configuration after another (each uses every core); the Release run comes
# last so the output ends with ctest's summary.
test: test-asan test-tsan test-fuzz test-release

# examples/todo-api behind the local API Gateway, on the embedded DynamoDB engine, until Ctrl-C.
DEMO_PORT ?= 3000
demo: build
	@echo "== examples/todo-api on http://127.0.0.1:$(DEMO_PORT) (embedded DynamoDB, no auth; Ctrl-C stops)"
	@echo "   try:  curl -s -X POST http://127.0.0.1:$(DEMO_PORT)/todos -H 'content-type: application/json' -d '{\"title\":\"try lift\"}'"
	@echo "         curl -s http://127.0.0.1:$(DEMO_PORT)/todos"
	@$(BUILD)/bin/lift dev $(BUILD)/bin/examples/todo-api --port $(DEMO_PORT) --env LIFT_DYNAMODB_ENDPOINT=memory:

bench: build
	bash bench/run.sh $(BUILD)

# What examples/hello and examples/todo-api add, per invocation and at start-up, over a raw-socket
# Runtime API client, through an independent Runtime API server (rapi_bench.py and floor.c, kept
# outside the project: LIFT_SHARED_BENCH names their directory; without them the target says so).
LIFT_SHARED_BENCH ?= ../shared/bench
E2E_ROUNDS ?= 3
bench-e2e: setup $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target hello todo-api lift
	python3 bench/e2e/floor_bench.py --shared $(LIFT_SHARED_BENCH) --build $(BUILD) --rounds $(E2E_ROUNDS) --memory

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD) $(ARM64_BUILD)
