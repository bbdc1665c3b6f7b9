// Tensors and run options across the JS/wasm boundary for `run` and
// `compare`. wasm/modelquant.mjs hands every input over as {name, dtype,
// shape, bytes} (bytes: a Uint8Array over the typed array's memory) and turns
// each output {name, dtype, shape, bytes} back into a typed array. dtypes use
// NumPy's names: float32, float64, float16, int8, int16, int32, int64,
// uint8, uint16, uint32, uint64, bool.
#pragma once

#include "core/eval/model_run.h"
#include "wasm/binding_support.h"

namespace mq::wasm {

// options.inputs ([{name, dtype, shape, bytes}]), options.outputs ([names]),
// options.shapes ({name: [sizes]}) and options.seed (a whole number ≥ 0).
StatusOr<RunOptions> run_options_from_js(const val& options);

// {name, dtype, shape, bytes} for one tensor.
StatusOr<val> tensor_to_js(const std::string& name, const Tensor& tensor);

// NumPy's name for a dtype ("float32"); "" when it has none.
std::string numpy_dtype_name(DataType dtype);

}  // namespace mq::wasm
