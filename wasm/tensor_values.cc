#include "wasm/tensor_values.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace mq::wasm {
namespace {

const std::pair<const char*, DataType> kNumpyNames[] = {
    {"float32", tensorflow::DT_FLOAT}, {"float64", tensorflow::DT_DOUBLE}, {"float16", tensorflow::DT_HALF},
    {"int8", tensorflow::DT_INT8},     {"int16", tensorflow::DT_INT16},    {"int32", tensorflow::DT_INT32},
    {"int64", tensorflow::DT_INT64},   {"uint8", tensorflow::DT_UINT8},    {"uint16", tensorflow::DT_UINT16},
    {"uint32", tensorflow::DT_UINT32}, {"uint64", tensorflow::DT_UINT64},  {"bool", tensorflow::DT_BOOL},
};

StatusOr<std::vector<int64_t>> whole_numbers(const val& array, const std::string& what) {
  if (!array.isArray()) return Status::error(what + " must be an array of whole numbers");
  std::vector<int64_t> numbers;
  const int length = array["length"].as<int>();
  for (int i = 0; i < length; ++i) {
    val item = array[i];
    if (!item.isNumber()) return Status::error(what + " must be an array of whole numbers");
    double number = item.as<double>();
    if (!(number >= 0) || number != std::floor(number) || number > 9.0e15)
      return Status::error(what + " must be an array of whole numbers (found " + std::to_string(number) + ")");
    numbers.push_back(static_cast<int64_t>(number));
  }
  return numbers;
}

StatusOr<Tensor> tensor_from_js(const val& input, int index) {
  const std::string where = "options.inputs[" + std::to_string(index) + "]";
  if (!input["name"].isString()) return Status::error(where + ".name must be a string");
  const std::string name = input["name"].as<std::string>();
  if (!input["dtype"].isString()) return Status::error("input '" + name + "': dtype must be a string");
  const std::string dtype_text = input["dtype"].as<std::string>();
  DataType dtype = tensorflow::DT_INVALID;
  for (const auto& [numpy_name, value] : kNumpyNames)
    if (dtype_text == numpy_name) dtype = value;
  if (dtype == tensorflow::DT_INVALID)
    return Status::error("input '" + name + "': unknown dtype '" + dtype_text +
                         "' (use float32, int32, int64, uint8, bool, ...)");
  MQ_ASSIGN_OR_RETURN(Shape shape, whole_numbers(input["shape"], "the shape of input '" + name + "'"));
  MQ_ASSIGN_OR_RETURN(std::string bytes, bytes_from_js(input["bytes"], "the data of input '" + name + "'"));
  const int64_t elements = num_elements(shape);
  if (elements < 0 || static_cast<uint64_t>(elements) * dtype_size(dtype) != bytes.size())
    return Status::error("input '" + name + "': " + std::to_string(bytes.size()) + " bytes of data do not make a " +
                         dtype_text + " tensor of shape " + shape_string(shape));
  return Tensor::adopt_bytes(dtype, std::move(shape), std::move(bytes));
}

}  // namespace

std::string numpy_dtype_name(DataType dtype) {
  for (const auto& [numpy_name, value] : kNumpyNames)
    if (dtype == value) return numpy_name;
  return "";
}

StatusOr<RunOptions> run_options_from_js(const val& options) {
  RunOptions run;
  if (options.isUndefined() || options.isNull()) return run;
  val inputs = options["inputs"];
  if (!inputs.isUndefined() && !inputs.isNull()) {
    if (!inputs.isArray()) return Status::error("option 'inputs' must be an array of {name, dtype, shape, bytes}");
    const int length = inputs["length"].as<int>();
    for (int i = 0; i < length; ++i) {
      MQ_ASSIGN_OR_RETURN(Tensor value, tensor_from_js(inputs[i], i));
      run.inputs.push_back({inputs[i]["name"].as<std::string>(), std::move(value)});
    }
  }
  val outputs = options["outputs"];
  if (!outputs.isUndefined() && !outputs.isNull()) {
    if (!outputs.isArray()) return Status::error("option 'outputs' must be an array of tensor names");
    const int length = outputs["length"].as<int>();
    for (int i = 0; i < length; ++i) {
      if (!outputs[i].isString() || outputs[i].as<std::string>().empty())
        return Status::error("option 'outputs' must be an array of tensor names");
      run.outputs.push_back(outputs[i].as<std::string>());
    }
  }
  val shapes = options["shapes"];
  if (!shapes.isUndefined() && !shapes.isNull()) {
    if (shapes.typeOf().as<std::string>() != "object" || shapes.isArray())
      return Status::error("option 'shapes' must be an object {name: [sizes]}");
    val names = val::global("Object").call<val>("keys", shapes);
    const int length = names["length"].as<int>();
    for (int i = 0; i < length; ++i) {
      const std::string name = names[i].as<std::string>();
      MQ_ASSIGN_OR_RETURN(Shape shape, whole_numbers(shapes[name], "shapes['" + name + "']"));
      run.shapes[name] = std::move(shape);
    }
  }
  val seed = options["seed"];
  if (!seed.isUndefined() && !seed.isNull()) {
    double number = seed.isNumber() ? seed.as<double>() : -1;
    if (!(number >= 0) || number != std::floor(number) || number > 9.0e15)
      return Status::error("option 'seed' must be a whole number >= 0");
    run.seed = static_cast<uint64_t>(number);
  }
  val memory_limit = options["memoryLimit"];
  if (!memory_limit.isUndefined() && !memory_limit.isNull()) {
    double number = memory_limit.isNumber() ? memory_limit.as<double>() : -1;
    if (!(number >= 1) || number > 1.8e19)
      return Status::error("option 'memoryLimit' must be a number of bytes >= 1");
    run.memory_limit_bytes = std::min(static_cast<unsigned long long>(number), run.memory_limit_bytes);
  }
  return run;
}

StatusOr<val> tensor_to_js(const std::string& name, const Tensor& tensor) {
  const std::string dtype = numpy_dtype_name(tensor.dtype());
  if (dtype.empty())
    return Status::error("output '" + name + "' is " + dtype_name(tensor.dtype()) + ", which JavaScript cannot hold");
  val result = val::object();
  result.set("name", name);
  result.set("dtype", dtype);
  val shape = val::array();
  for (int64_t dim : tensor.shape()) shape.call<void>("push", static_cast<double>(dim));
  result.set("shape", shape);
  result.set("bytes", bytes_to_js(std::string_view(tensor.raw() ? tensor.raw() : "", tensor.byte_size())));
  return result;
}

}  // namespace mq::wasm
