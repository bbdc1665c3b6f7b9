#include "core/ops/op_registry.h"

#include <catch2/catch.hpp>

namespace {

const tensorflow::OpDef& op(const std::string& name) {
  const tensorflow::OpDef* def = mq::find_op_def(name);
  INFO(name);
  REQUIRE(def != nullptr);
  return *def;
}

const tensorflow::OpDef::AttrDef& attr(const tensorflow::OpDef& def, const std::string& name) {
  for (const auto& a : def.attr())
    if (a.name() == name) return a;
  FAIL("no attr " << name << " on " << def.name());
  return def.attr(0);
}

}  // namespace

TEST_CASE("the registry holds TF 2.21's ops", "[transforms][ops]") {
  CHECK(mq::registered_op_count() == 1563);
  CHECK(mq::find_op_def("Abs") != nullptr);
  CHECK(mq::find_op_def("Zeta") != nullptr);
  CHECK(mq::find_op_def("NotAnOp") == nullptr);
  CHECK(mq::find_op_def("") == nullptr);
  CHECK(mq::find_op_def("conv2d") == nullptr);
  // Built on first use, then the same OpDef every time.
  CHECK(mq::find_op_def("Abs") == mq::find_op_def("Abs"));
  CHECK(mq::find_op_def("Zeta")->name() == "Zeta");

  const auto& variable = op("VariableV2");
  CHECK(variable.is_stateful());
  CHECK(variable.output_arg(0).is_ref());
  CHECK_FALSE(op("Add").is_stateful());
  CHECK(op("BatchCholesky").deprecation().version() == 13);
  CHECK(op("Add").deprecation().version() == 0);
}

TEST_CASE("attribute defaults decode to the right AttrValue", "[transforms][ops]") {
  const auto& lrn = op("LRN");
  CHECK(attr(lrn, "depth_radius").default_value().i() == 5);
  CHECK(attr(lrn, "bias").default_value().f() == 1.0f);
  CHECK(attr(lrn, "beta").default_value().f() == 0.5f);
  CHECK(attr(lrn, "T").default_value().type() == tensorflow::DT_FLOAT);

  const auto& conv = op("Conv2D");
  CHECK_FALSE(attr(conv, "strides").has_default_value());
  CHECK(attr(conv, "data_format").default_value().s() == "NHWC");
  CHECK(attr(conv, "use_cudnn_on_gpu").default_value().value_case() == tensorflow::AttrValue::kB);
  CHECK(attr(conv, "use_cudnn_on_gpu").default_value().b() == true);
  const auto& dilations = attr(conv, "dilations").default_value().list().i();
  CHECK(std::vector<int64_t>(dilations.begin(), dilations.end()) == std::vector<int64_t>{1, 1, 1, 1});
  // An empty list default is a present-but-empty list (bytes 0A 00).
  CHECK(attr(conv, "explicit_paddings").default_value().SerializeAsString() == std::string("\x0a\x00", 2));

  CHECK(attr(op("FusedBatchNorm"), "epsilon").default_value().f() == 0.0001f);
  CHECK(attr(op("Placeholder"), "shape").default_value().shape().unknown_rank());
  CHECK(attr(op("QuantizeV2"), "mode").default_value().s() == "MIN_COMBINED");
  CHECK(attr(op("QuantizeV2"), "axis").default_value().i() == -1);
  CHECK(std::isinf(attr(op("XlaSparseDenseMatmulGradWithSgdAndCsrInput"), "clip_weight_min").default_value().f()));
}

TEST_CASE("defaults are added and types resolved per node", "[transforms][ops]") {
  tensorflow::NodeDef lrn;
  lrn.set_name("lrn");
  lrn.set_op("LRN");
  CHECK(mq::add_default_attributes(op("LRN"), &lrn) == 5);
  CHECK(lrn.attr().at("alpha").f() == 1.0f);
  CHECK(mq::add_default_attributes(op("LRN"), &lrn) == 0);

  tensorflow::NodeDef split;
  split.set_name("split");
  split.set_op("Split");
  (*split.mutable_attr())["num_split"].set_i(3);
  (*split.mutable_attr())["T"].set_type(tensorflow::DT_HALF);
  auto outputs = mq::output_types_of(split, op("Split"));
  REQUIRE(outputs.is_ok());
  CHECK(*outputs == std::vector<tensorflow::DataType>(3, tensorflow::DT_HALF));
  auto inputs = mq::input_types_of(split, op("Split"));
  REQUIRE(inputs.is_ok());
  CHECK(*inputs == std::vector<tensorflow::DataType>{tensorflow::DT_INT32, tensorflow::DT_HALF});

  tensorflow::NodeDef variable;
  variable.set_name("v");
  variable.set_op("VariableV2");
  (*variable.mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  CHECK(*mq::output_types_of(variable, op("VariableV2")) ==
        std::vector<tensorflow::DataType>{tensorflow::DT_FLOAT_REF});

  tensorflow::NodeDef identity_n;
  identity_n.set_name("idn");
  identity_n.set_op("IdentityN");
  auto* types = (*identity_n.mutable_attr())["T"].mutable_list();
  types->add_type(tensorflow::DT_INT64);
  types->add_type(tensorflow::DT_BOOL);
  CHECK(*mq::output_types_of(identity_n, op("IdentityN")) ==
        std::vector<tensorflow::DataType>{tensorflow::DT_INT64, tensorflow::DT_BOOL});

  tensorflow::NodeDef relu;
  relu.set_name("relu");
  relu.set_op("Relu");
  CHECK(mq::output_types_of(relu, op("Relu")).status().message() ==
        "node 'relu' (Relu) needs a type attribute 'T' to know its input and output types");

  // A library function's signature is found before the registry.
  tensorflow::FunctionDefLibrary library;
  library.add_function()->mutable_signature()->set_name("my_function");
  CHECK(mq::find_op_def("my_function", library) == &library.function(0).signature());
  CHECK(mq::find_op_def("Relu", library) == mq::find_op_def("Relu"));
  CHECK(mq::op_not_registered("FooBar", "x").message().rfind("Op type not registered 'FooBar' (node 'x')", 0) == 0);
}
