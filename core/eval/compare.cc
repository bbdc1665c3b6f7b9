#include "core/eval/compare.h"

#include <cmath>
#include <cstdio>
#include <map>

#include "core/graph/graph_index.h"
#include "core/util/json_quote.h"

namespace mq {
namespace {

// Every element as a double (false for dtypes that are not numbers).
bool as_doubles(const Tensor& tensor, std::vector<double>* values) {
  values->resize(static_cast<size_t>(tensor.num_elements()));
  return dispatch_numeric(tensor.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* data = tensor.data<T>();
    for (int64_t i = 0; i < tensor.num_elements(); ++i) (*values)[i] = static_cast<double>(data[i]);
  });
}

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.6g", value);
  return buffer;
}

std::string shape_json(const Shape& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? "," : "") + std::to_string(shape[i]);
  return out + "]";
}

}  // namespace

OutputDifference compare_tensors(const std::string& name, const Tensor& a, const Tensor& b, double rtol,
                                 double atol) {
  OutputDifference difference;
  difference.name = name;
  difference.dtype_a = a.dtype();
  difference.dtype_b = b.dtype();
  difference.shape_a = a.shape();
  difference.shape_b = b.shape();
  difference.elements = a.num_elements();
  if (a.dtype() != b.dtype()) {
    difference.problem = "dtypes differ: " + dtype_name(a.dtype()) + " vs " + dtype_name(b.dtype());
  } else if (a.shape() != b.shape()) {
    difference.problem = "shapes differ: " + shape_string(a.shape()) + " vs " + shape_string(b.shape());
  } else if (a.dtype() == tensorflow::DT_STRING) {
    for (int64_t i = 0; i < a.num_elements(); ++i) difference.mismatched += a.strings()[i] != b.strings()[i];
  } else {
    std::vector<double> x, y;
    if (!as_doubles(a, &x) || !as_doubles(b, &y)) {
      difference.problem = "values of dtype " + dtype_name(a.dtype()) + " cannot be compared";
    } else {
      for (size_t i = 0; i < x.size(); ++i) {
        const double reference = x[i], value = y[i];
        if (std::isnan(reference) || std::isnan(value)) {
          difference.mismatched += std::isnan(reference) != std::isnan(value);
          continue;
        }
        if (std::isinf(reference) || std::isinf(value)) {
          difference.mismatched += reference != value;
          continue;
        }
        const double error = std::fabs(value - reference);
        difference.max_abs_error = std::max(difference.max_abs_error, error);
        if (reference != 0) difference.max_rel_error = std::max(difference.max_rel_error, error / std::fabs(reference));
        if (!(error <= atol + rtol * std::fabs(reference))) ++difference.mismatched;
      }
    }
  }
  difference.within_tolerance = difference.problem.empty() && difference.mismatched == 0;
  return difference;
}

StatusOr<Comparison> compare_models(const tensorflow::GraphDef& a, const tensorflow::GraphDef& b,
                                    const CompareOptions& options) {
  Comparison comparison;
  comparison.rtol = options.rtol;
  comparison.atol = options.atol;
  if (!(options.rtol >= 0) || !(options.atol >= 0))
    return Status::error("tolerances must be zero or positive (rtol " + number(options.rtol) + ", atol " +
                         number(options.atol) + ")");
  StatusOr<RunResult> first = run_model(a, options.run);
  if (!first.is_ok()) return first.status().with_context("first model");

  RunOptions second_options = options.run;
  second_options.outputs = first->output_names;
  second_options.inputs.clear();
  GraphIndex second_index(b);
  for (const ModelInput& input : first->inputs)
    if (second_index.find(node_name_of(input.name)) != nullptr) second_options.inputs.push_back({input.name, input.value});
  std::map<std::string, Shape> shapes;
  for (const auto& [name, shape] : options.run.shapes) {
    const tensorflow::NodeDef* node = second_index.find(name);
    if (node != nullptr && node->op() == "Placeholder") shapes[name] = shape;
  }
  second_options.shapes = std::move(shapes);
  StatusOr<RunResult> second = run_model(b, second_options);
  if (!second.is_ok()) return second.status().with_context("second model");

  comparison.inputs = first->inputs;
  comparison.milliseconds_a = first->milliseconds;
  comparison.milliseconds_b = second->milliseconds;
  for (size_t i = 0; i < first->outputs.size(); ++i) {
    comparison.outputs.push_back(
        compare_tensors(first->output_names[i], first->outputs[i], second->outputs[i], options.rtol, options.atol));
    comparison.within_tolerance = comparison.within_tolerance && comparison.outputs.back().within_tolerance;
  }
  return comparison;
}

std::string comparison_json(const Comparison& comparison) {
  std::string out = std::string("{\"within_tolerance\":") + (comparison.within_tolerance ? "true" : "false") +
                    ",\"rtol\":" + number(comparison.rtol) + ",\"atol\":" + number(comparison.atol) + ",\"inputs\":[";
  for (size_t i = 0; i < comparison.inputs.size(); ++i) {
    const ModelInput& input = comparison.inputs[i];
    out += (i ? "," : "") + std::string("{\"name\":") + json_quote(input.name) +
           ",\"dtype\":" + json_quote(dtype_name(input.value.dtype())) + ",\"shape\":" + shape_json(input.value.shape()) +
           ",\"generated\":" + (input.generated ? "true" : "false") + "}";
  }
  out += "],\"outputs\":[";
  for (size_t i = 0; i < comparison.outputs.size(); ++i) {
    const OutputDifference& output = comparison.outputs[i];
    out += (i ? "," : "") + std::string("{\"name\":") + json_quote(output.name) +
           ",\"dtype\":" + json_quote(dtype_name(output.dtype_a)) + ",\"shape\":" + shape_json(output.shape_a) +
           ",\"elements\":" + std::to_string(output.elements) + ",\"max_abs_error\":" + number(output.max_abs_error) +
           ",\"max_rel_error\":" + number(output.max_rel_error) + ",\"mismatched\":" + std::to_string(output.mismatched) +
           ",\"within_tolerance\":" + (output.within_tolerance ? "true" : "false");
    if (!output.problem.empty())
      out += ",\"problem\":" + json_quote(output.problem) + ",\"dtype_b\":" + json_quote(dtype_name(output.dtype_b)) +
             ",\"shape_b\":" + shape_json(output.shape_b);
    out += "}";
  }
  out += "],\"milliseconds\":{\"a\":" + number(comparison.milliseconds_a) + ",\"b\":" +
         number(comparison.milliseconds_b) + "}}";
  return out;
}

std::string comparison_text(const Comparison& comparison) {
  std::string out;
  for (const ModelInput& input : comparison.inputs)
    out += "input " + input.name + ": " + dtype_name(input.value.dtype()) + " " + shape_string(input.value.shape()) +
           (input.generated ? " (generated)" : " (given)") + "\n";
  for (const OutputDifference& output : comparison.outputs) {
    out += output.name + ": " + dtype_name(output.dtype_a) + " " + shape_string(output.shape_a);
    if (!output.problem.empty()) {
      out += ": " + output.problem + "\n";
      continue;
    }
    out += "  max abs error " + number(output.max_abs_error) + "  max rel error " + number(output.max_rel_error) + "  " +
           std::to_string(output.mismatched) + " of " + std::to_string(output.elements) + " outside tolerance" +
           (output.within_tolerance ? "" : "  MISMATCH") + "\n";
  }
  out += std::string(comparison.within_tolerance ? "within tolerance" : "OUTSIDE tolerance") + " (rtol " +
         number(comparison.rtol) + ", atol " + number(comparison.atol) + ")\n";
  return out;
}

}  // namespace mq
