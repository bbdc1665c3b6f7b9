#include "core/io/text_format.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>

#include "core/io/graph_io.h"
#include "tests/test_support.h"

using mq::test::shared_models;

namespace {

// Deterministic binary bytes: two graphs are equal when these are.
std::string binary_of(const tensorflow::GraphDef& graph) {
  auto bytes = mq::serialize_graph(graph, mq::GraphFormat::kBinary);
  REQUIRE(bytes.is_ok());
  return *bytes;
}

tensorflow::GraphDef parse_text(const std::string& text) {
  tensorflow::GraphDef graph;
  mq::Status status = mq::parse_text_graph(text, &graph);
  INFO(text);
  INFO(status.message());
  REQUIRE(status.is_ok());
  return graph;
}

std::string parse_error(const std::string& text) {
  tensorflow::GraphDef graph;
  mq::Status status = mq::parse_text_graph(text, &graph);
  INFO(text);
  REQUIRE_FALSE(status.is_ok());
  CHECK(status.message().rfind("line ", 0) == 0);
  CHECK(graph.node_size() == 0);
  return status.message();
}

tensorflow::NodeDef* add_node(tensorflow::GraphDef* graph, const std::string& name, const std::string& op) {
  tensorflow::NodeDef* node = graph->add_node();
  node->set_name(name);
  node->set_op(op);
  return node;
}

}  // namespace

TEST_CASE("every shared model survives binary -> text -> binary", "[text]") {
  for (const std::string& path : shared_models()) {
    INFO(path);
    tensorflow::GraphDef graph;
    REQUIRE(mq::load_graph_file(path, &graph).is_ok());
    std::string text = mq::print_text_graph(graph);
    REQUIRE_FALSE(text.empty());
    tensorflow::GraphDef again;
    mq::Status status = mq::parse_text_graph(text, &again);
    INFO(status.message());
    REQUIRE(status.is_ok());
    CHECK(again.node_size() == graph.node_size());
    CHECK(binary_of(again) == binary_of(graph));
    // Printing what was read gives the same text again.
    CHECK(mq::print_text_graph(again) == text);
  }
}

TEST_CASE("a Const with a scalar float prints like protobuf's printer", "[text]") {
  tensorflow::GraphDef graph;
  tensorflow::NodeDef* node = add_node(&graph, "c", "Const");
  tensorflow::TensorProto* tensor = (*node->mutable_attr())["value"].mutable_tensor();
  tensor->set_dtype(tensorflow::DT_FLOAT);
  tensor->mutable_tensor_shape();  // present but empty: a scalar
  tensor->add_float_val(1.5f);
  (*node->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  graph.mutable_versions()->set_producer(27);

  const std::string expected = R"(node {
  name: "c"
  op: "Const"
  attr {
    key: "dtype"
    value {
      type: DT_FLOAT
    }
  }
  attr {
    key: "value"
    value {
      tensor {
        dtype: DT_FLOAT
        tensor_shape {
        }
        float_val: 1.5
      }
    }
  }
}
versions {
  producer: 27
}
)";
  CHECK(mq::print_text_graph(graph) == expected);
  CHECK(binary_of(parse_text(expected)) == binary_of(graph));
}

TEST_CASE("oneof members and present messages print even when empty; proto3 defaults do not", "[text]") {
  tensorflow::GraphDef graph;
  tensorflow::NodeDef* node = add_node(&graph, "n", "Op");
  node->set_device("");  // default: omitted
  auto& attr = *node->mutable_attr();
  attr["shape"].mutable_shape();
  attr["s"].set_s("");
  attr["list"].mutable_list();
  attr["i"].set_i(0);
  attr["f"].set_f(0.0f);
  attr["empty"];
  attr["b"].set_b(false);
  attr["t"].mutable_tensor()->set_version_number(0);

  const std::string expected = R"(node {
  name: "n"
  op: "Op"
  attr {
    key: "b"
    value {
      b: false
    }
  }
  attr {
    key: "empty"
    value {
    }
  }
  attr {
    key: "f"
    value {
      f: 0
    }
  }
  attr {
    key: "i"
    value {
      i: 0
    }
  }
  attr {
    key: "list"
    value {
      list {
      }
    }
  }
  attr {
    key: "s"
    value {
      s: ""
    }
  }
  attr {
    key: "shape"
    value {
      shape {
      }
    }
  }
  attr {
    key: "t"
    value {
      tensor {
      }
    }
  }
}
)";
  CHECK(mq::print_text_graph(graph) == expected);
  CHECK(binary_of(parse_text(expected)) == binary_of(graph));
}

TEST_CASE("strings and bytes print C-escaped with 3-digit octal", "[text]") {
  tensorflow::GraphDef graph;
  std::string name = "q\"s'b\\n\nt\tr\r";
  name += '\x01';
  name += '\x7f';
  name += "\xc3\xa9 ~";
  tensorflow::NodeDef* node = add_node(&graph, name, "Op");
  (*node->mutable_attr())["bytes"].set_s(std::string("\xff\0\x1f" "7", 4));

  const std::string expected = R"(node {
  name: "q\"s\'b\\n\nt\tr\r\001\177\303\251 ~"
  op: "Op"
  attr {
    key: "bytes"
    value {
      s: "\377\000\0377"
    }
  }
}
)";
  CHECK(mq::print_text_graph(graph) == expected);
  tensorflow::GraphDef back = parse_text(expected);
  CHECK(back.node(0).name() == name);
  CHECK(binary_of(back) == binary_of(graph));
}

TEST_CASE("numbers print in their shortest round-trip form, enums by name", "[text]") {
  tensorflow::GraphDef graph;
  tensorflow::NodeDef* node = add_node(&graph, "n", "Op");
  auto& attr = *node->mutable_attr();
  tensorflow::AttrValue::ListValue* list = attr["floats"].mutable_list();
  for (float f : {0.1f, 1.0f / 3, 1e10f, std::numeric_limits<float>::infinity(),
                  -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN(), -0.0f,
                  16777216.0f, std::numeric_limits<float>::max(), 100.0f, 1e-7f})
    list->add_f(f);
  tensorflow::AttrValue::ListValue* types = attr["types"].mutable_list();
  types->add_type(tensorflow::DT_INVALID);
  types->add_type(tensorflow::DT_FLOAT_REF);
  types->add_type(static_cast<tensorflow::DataType>(77));
  types->add_type(tensorflow::DT_FLOAT4_E2M1FN);
  attr["negative"].set_i(-1);
  tensorflow::TensorProto* tensor = attr["tensor"].mutable_tensor();
  tensor->set_dtype(tensorflow::DT_DOUBLE);
  for (double d : {0.1, 1.0 / 3, 1e100, 2.5}) tensor->add_double_val(d);
  tensor->add_int_val(-5);
  tensor->add_int64_val(std::numeric_limits<int64_t>::min());
  tensor->add_uint32_val(4294967295u);
  tensor->add_uint64_val(std::numeric_limits<uint64_t>::max());
  tensor->add_half_val(15360);
  tensor->add_bool_val(true);
  tensor->add_bool_val(false);
  node->mutable_experimental_type()->set_type_id(10001);

  const std::string expected = R"(node {
  name: "n"
  op: "Op"
  attr {
    key: "floats"
    value {
      list {
        f: 0.1
        f: 0.333333343
        f: 1e+10
        f: inf
        f: -inf
        f: nan
        f: -0
        f: 16777216
        f: 3.40282347e+38
        f: 100
        f: 1e-07
      }
    }
  }
  attr {
    key: "negative"
    value {
      i: -1
    }
  }
  attr {
    key: "tensor"
    value {
      tensor {
        dtype: DT_DOUBLE
        double_val: 0.1
        double_val: 0.33333333333333331
        double_val: 1e+100
        double_val: 2.5
        int_val: -5
        int64_val: -9223372036854775808
        bool_val: true
        bool_val: false
        half_val: 15360
        uint32_val: 4294967295
        uint64_val: 18446744073709551615
      }
    }
  }
  attr {
    key: "types"
    value {
      list {
        type: DT_INVALID
        type: DT_FLOAT_REF
        type: 77
        type: DT_FLOAT4_E2M1FN
      }
    }
  }
  experimental_type {
    type_id: 10001
  }
}
)";
  CHECK(mq::print_text_graph(graph) == expected);
  tensorflow::GraphDef back = parse_text(expected);
  const auto& floats = back.node(0).attr().at("floats").list();
  REQUIRE(floats.f_size() == list->f_size());
  for (int i = 0; i < floats.f_size(); ++i) {
    if (std::isnan(list->f(i))) {
      CHECK(std::isnan(floats.f(i)));
    } else {
      CHECK(floats.f(i) == list->f(i));
      CHECK(std::signbit(floats.f(i)) == std::signbit(list->f(i)));
    }
  }
  // NaN has many bit patterns; everything else must come back bit for bit.
  (*back.mutable_node(0)->mutable_attr())["floats"] = attr["floats"];
  CHECK(binary_of(back) == binary_of(graph));
}

// Every message of the schema with every field set, to check the names and
// numbers of the tables against the generated classes.
TEST_CASE("every message of the schema prints with the right field names", "[text]") {
  tensorflow::GraphDef graph;
  tensorflow::NodeDef* call = add_node(&graph, "call", "PartitionedCall");
  call->add_input("x");
  call->add_input("^init");
  call->set_device("/device:CPU:0");
  tensorflow::NameAttrList* func = (*call->mutable_attr())["f"].mutable_func();
  func->set_name("fn");
  (*func->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
  (*call->mutable_attr())["ph"].set_placeholder("T");
  call->mutable_experimental_debug_info()->add_original_node_names("orig");
  call->mutable_experimental_debug_info()->add_original_func_names("origfn");
  tensorflow::FullTypeDef* type = call->mutable_experimental_type();
  type->set_type_id(10);
  type->add_args()->set_type_id(3);
  type->mutable_args(0)->set_s("t");
  type->set_i(4);

  tensorflow::NodeDef* constant = add_node(&graph, "k", "Const");
  tensorflow::TensorProto* tensor = (*constant->mutable_attr())["value"].mutable_tensor();
  tensor->set_dtype(tensorflow::DT_VARIANT);
  tensor->mutable_tensor_shape()->set_unknown_rank(true);
  tensor->set_version_number(2);
  tensor->set_tensor_content(std::string("\x01\x02", 2));
  tensor->add_float_val(1);
  tensor->add_string_val("str");
  tensor->add_scomplex_val(2);
  tensor->add_dcomplex_val(3);
  tensorflow::ResourceHandleProto* handle = tensor->add_resource_handle_val();
  handle->set_device("d");
  handle->set_container("c");
  handle->set_name("h");
  handle->set_hash_code(42);
  handle->set_maybe_type_name("m");
  tensorflow::ResourceHandleProto::DtypeAndShape* dtype_and_shape = handle->add_dtypes_and_shapes();
  dtype_and_shape->set_dtype(tensorflow::DT_INT8);
  dtype_and_shape->mutable_shape()->add_dim()->set_size(3);
  tensorflow::VariantTensorDataProto* variant = tensor->add_variant_val();
  variant->set_type_name("v");
  variant->set_metadata("meta");
  variant->add_tensors()->set_dtype(tensorflow::DT_BOOL);
  tensor->set_float8_val(std::string("\x05", 1));
  tensorflow::AttrValue::ListValue* list = (*constant->mutable_attr())["list"].mutable_list();
  list->add_s("a");
  list->add_i(1);
  list->add_f(2);
  list->add_b(true);
  list->add_type(tensorflow::DT_HALF);
  list->add_shape()->add_dim()->set_size(4);
  list->add_tensor()->set_dtype(tensorflow::DT_INT64);
  list->add_func()->set_name("g");

  tensorflow::FunctionDef* function = graph.mutable_library()->add_function();
  tensorflow::OpDef* signature = function->mutable_signature();
  signature->set_name("fn");
  tensorflow::OpDef::ArgDef* input = signature->add_input_arg();
  input->set_name("a");
  input->set_description("d");
  input->set_type(tensorflow::DT_FLOAT);
  input->set_type_attr("T");
  input->set_number_attr("N");
  input->set_type_list_attr("L");
  tensorflow::TensorShapeProto::Dim* dim = input->add_handle_data()->mutable_shape()->add_dim();
  dim->set_size(-1);
  dim->set_name("batch");
  input->mutable_handle_data(0)->set_dtype(tensorflow::DT_RESOURCE);
  input->set_is_ref(true);
  input->mutable_experimental_full_type()->set_type_id(1);
  signature->add_output_arg()->set_name("out");
  signature->mutable_output_arg(0)->set_type(tensorflow::DT_INT32);
  tensorflow::OpDef::AttrDef* attr_def = signature->add_attr();
  attr_def->set_name("T");
  attr_def->set_type("type");
  attr_def->mutable_default_value()->set_type(tensorflow::DT_FLOAT);
  attr_def->set_description("dt");
  attr_def->set_has_minimum(true);
  attr_def->set_minimum(1);
  attr_def->mutable_allowed_values()->mutable_list()->add_type(tensorflow::DT_FLOAT);
  signature->set_summary("sum");
  signature->set_description("desc");
  signature->mutable_deprecation()->set_version(9);
  signature->mutable_deprecation()->set_explanation("old");
  signature->set_is_aggregate(true);
  signature->set_is_stateful(true);
  signature->set_is_commutative(true);
  signature->set_allows_uninitialized_input(true);
  signature->add_control_output("c");
  signature->set_is_distributed_communication(true);
  tensorflow::NodeDef* inner = function->add_node_def();
  inner->set_name("inner");
  inner->set_op("Identity");
  (*function->mutable_ret())["out"] = "inner:output:0";
  (*function->mutable_attr())["_noinline"].set_b(true);
  (*function->mutable_control_ret())["c"] = "inner";
  (*(*function->mutable_arg_attr())[0].mutable_attr())["_shape"].mutable_shape()->set_unknown_rank(true);
  (*function->mutable_resource_arg_unique_id())[0] = 7;
  graph.mutable_library()->add_gradient()->set_function_name("fn");
  graph.mutable_library()->mutable_gradient(0)->set_gradient_func("fn_grad");
  graph.mutable_library()->add_registered_gradients()->set_gradient_func("g");
  graph.mutable_library()->mutable_registered_gradients(0)->set_registered_op_type("Op");

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  graph.set_version(3);
#pragma GCC diagnostic pop
  graph.mutable_versions()->set_producer(27);
  graph.mutable_versions()->set_min_consumer(12);
  graph.mutable_versions()->add_bad_consumers(4);
  graph.mutable_versions()->add_bad_consumers(5);

  tensorflow::GraphDebugInfo* debug = graph.mutable_debug_info();
  debug->add_files("model.py");
  tensorflow::GraphDebugInfo::FileLineCol* frame = (*debug->mutable_traces())["call"].add_file_line_cols();
  frame->set_file_index(0);  // explicit presence: printed although zero
  frame->set_line(10);
  frame->set_col(2);
  frame->set_func("f");
  frame->set_code("x = y");
  (*debug->mutable_traces())["call"].add_frame_id(99);
  (*debug->mutable_frames_by_id())[99].set_line(10);
  (*debug->mutable_name_to_trace_id())["call"] = 5;
  (*debug->mutable_traces_by_id())[5].add_frame_id(99);

  const std::string expected = R"(node {
  name: "call"
  op: "PartitionedCall"
  input: "x"
  input: "^init"
  device: "/device:CPU:0"
  attr {
    key: "f"
    value {
      func {
        name: "fn"
        attr {
          key: "T"
          value {
            type: DT_FLOAT
          }
        }
      }
    }
  }
  attr {
    key: "ph"
    value {
      placeholder: "T"
    }
  }
  experimental_debug_info {
    original_node_names: "orig"
    original_func_names: "origfn"
  }
  experimental_type {
    type_id: 10
    args {
      type_id: 3
      s: "t"
    }
    i: 4
  }
}
node {
  name: "k"
  op: "Const"
  attr {
    key: "list"
    value {
      list {
        s: "a"
        i: 1
        f: 2
        b: true
        type: DT_HALF
        shape {
          dim {
            size: 4
          }
        }
        tensor {
          dtype: DT_INT64
        }
        func {
          name: "g"
        }
      }
    }
  }
  attr {
    key: "value"
    value {
      tensor {
        dtype: DT_VARIANT
        tensor_shape {
          unknown_rank: true
        }
        version_number: 2
        tensor_content: "\001\002"
        float_val: 1
        string_val: "str"
        scomplex_val: 2
        dcomplex_val: 3
        resource_handle_val {
          device: "d"
          container: "c"
          name: "h"
          hash_code: 42
          maybe_type_name: "m"
          dtypes_and_shapes {
            dtype: DT_INT8
            shape {
              dim {
                size: 3
              }
            }
          }
        }
        variant_val {
          type_name: "v"
          metadata: "meta"
          tensors {
            dtype: DT_BOOL
          }
        }
        float8_val: "\005"
      }
    }
  }
}
library {
  function {
    signature {
      name: "fn"
      input_arg {
        name: "a"
        description: "d"
        type: DT_FLOAT
        type_attr: "T"
        number_attr: "N"
        type_list_attr: "L"
        handle_data {
          dtype: DT_RESOURCE
          shape {
            dim {
              size: -1
              name: "batch"
            }
          }
        }
        is_ref: true
        experimental_full_type {
          type_id: 1
        }
      }
      output_arg {
        name: "out"
        type: DT_INT32
      }
      attr {
        name: "T"
        type: "type"
        default_value {
          type: DT_FLOAT
        }
        description: "dt"
        has_minimum: true
        minimum: 1
        allowed_values {
          list {
            type: DT_FLOAT
          }
        }
      }
      summary: "sum"
      description: "desc"
      deprecation {
        version: 9
        explanation: "old"
      }
      is_aggregate: true
      is_stateful: true
      is_commutative: true
      allows_uninitialized_input: true
      control_output: "c"
      is_distributed_communication: true
    }
    node_def {
      name: "inner"
      op: "Identity"
    }
    ret {
      key: "out"
      value: "inner:output:0"
    }
    attr {
      key: "_noinline"
      value {
        b: true
      }
    }
    control_ret {
      key: "c"
      value: "inner"
    }
    arg_attr {
      key: 0
      value {
        attr {
          key: "_shape"
          value {
            shape {
              unknown_rank: true
            }
          }
        }
      }
    }
    resource_arg_unique_id {
      key: 0
      value: 7
    }
  }
  gradient {
    function_name: "fn"
    gradient_func: "fn_grad"
  }
  registered_gradients {
    gradient_func: "g"
    registered_op_type: "Op"
  }
}
version: 3
versions {
  producer: 27
  min_consumer: 12
  bad_consumers: 4
  bad_consumers: 5
}
debug_info {
  files: "model.py"
  traces {
    key: "call"
    value {
      file_line_cols {
        file_index: 0
        line: 10
        col: 2
        func: "f"
        code: "x = y"
      }
      frame_id: 99
    }
  }
  frames_by_id {
    key: 99
    value {
      line: 10
    }
  }
  name_to_trace_id {
    key: "call"
    value: 5
  }
  traces_by_id {
    key: 5
    value {
      frame_id: 99
    }
  }
}
)";
  CHECK(mq::print_text_graph(graph) == expected);
  CHECK(binary_of(parse_text(expected)) == binary_of(graph));
}

TEST_CASE("fields protobuf-lite kept as unknown are left out of the text without harm", "[text]") {
  tensorflow::NodeDef node;
  node.set_name("a");
  std::string node_bytes = node.SerializeAsString();
  node_bytes += std::string("\x90\x03\x07", 3);                               // field 50, varint
  node_bytes += std::string("\x99\x03" "12345678", 10);                      // field 51, fixed64
  node_bytes += std::string("\xa2\x03\x02hi", 5);                            // field 52, bytes
  node_bytes += std::string("\xab\x03\x08\x01\xac\x03", 6);                  // field 53, group { 1: 1 }
  node_bytes += std::string("\xb5\x03" "1234", 6);                           // field 54, fixed32
  node_bytes += std::string("\x08\x05", 2);                                  // field 1 (name) as a varint
  tensorflow::GraphDef graph;
  std::string graph_bytes = std::string("\x0a", 1) + static_cast<char>(node_bytes.size()) + node_bytes;
  graph_bytes += std::string("\x98\x06\x07", 3);  // field 99 at the top level
  REQUIRE(graph.ParseFromString(graph_bytes));
  REQUIRE(graph.node(0).name() == "a");

  CHECK(mq::print_text_graph(graph) == "node {\n  name: \"a\"\n}\n");
}

TEST_CASE("the reader accepts every syntax protobuf's parser does", "[text]") {
  SECTION("comments, optional ':' before '{', '<...>' braces, ',' and ';' separators") {
    tensorflow::GraphDef expected;
    add_node(&expected, "a", "Const")->add_input("b");
    expected.mutable_versions()->set_producer(1);
    const char* variants[] = {
        "node { name: \"a\" op: \"Const\" input: \"b\" } versions { producer: 1 }",
        ("# leading comment\nnode: {  # trailing comment\n name: \"a\"\n op: \"Const\" input: \"b\"}\n"
         "versions: { producer: 1 }  # end"),
        "node < name: 'a' op: 'Const' input: 'b' > versions < producer: 1 >",
        "node { name: \"a\", op: \"Const\"; input: \"b\", }; versions { producer: 1; }",
        "node{name:\"a\"op:\"Const\"input:\"b\"}versions{producer:1}",
        "node { input: [\"b\"] op: \"Const\" name: \"a\" } versions { producer: 1 }",
    };
    for (const char* text : variants) CHECK(binary_of(parse_text(text)) == binary_of(expected));
  }
  SECTION("list syntax for scalars and messages, and empty lists") {
    tensorflow::GraphDef graph = parse_text(
        "node { name: \"n\" input: [\"a\", 'b'] input: \"c\" attr { key: \"l\" value { list {"
        " i: [1, -2, 3] f: [] type: [DT_FLOAT, 3] shape: [{dim {size: 1}}, {}] shape [<>] } } } }");
    const tensorflow::NodeDef& node = graph.node(0);
    REQUIRE(node.input_size() == 3);
    CHECK(node.input(1) == "b");
    const auto& list = node.attr().at("l").list();
    REQUIRE(list.i_size() == 3);
    CHECK(list.i(1) == -2);
    CHECK(list.f_size() == 0);
    REQUIRE(list.type_size() == 2);
    CHECK(list.type(1) == tensorflow::DT_INT32);
    REQUIRE(list.shape_size() == 3);
    CHECK(list.shape(0).dim(0).size() == 1);
  }
  SECTION("strings: both quotes, adjacent literals concatenated, escapes") {
    tensorflow::GraphDef graph = parse_text(
        "node { name: \"ab\" 'c' \"d\" attr { key: \"s\" value { s: \"\\n\\t\\r\\\"\\'\\\\\\101\\x41\\0\\a\\b\\f\\v\\?\" } }"
        " attr { key: \"u\" value { s: '\\u00e9\\U0001F600\\ud83d\\ude00' } } }");
    CHECK(graph.node(0).name() == "abcd");
    CHECK(graph.node(0).attr().at("s").s() == std::string("\n\t\r\"'\\AA\0\a\b\f\v?", 14));
    CHECK(graph.node(0).attr().at("u").s() == "\xc3\xa9\xf0\x9f\x98\x80\xf0\x9f\x98\x80");
  }
  SECTION("numbers: negative, hex, octal, float suffixes, inf and nan, bools") {
    tensorflow::GraphDef graph = parse_text(R"(
      node {
        attr { key: "hex" value { i: 0x1F } }
        attr { key: "octal" value { i: 017 } }
        attr { key: "negative" value { i: -9223372036854775808 } }
        attr { key: "suffix" value { f: 1.0f } }
        attr { key: "suffix2" value { f: 2F } }
        attr { key: "dot" value { f: .5 } }
        attr { key: "exponent" value { f: -1.5e-3 } }
        attr { key: "integer" value { f: 3 } }
        attr { key: "inf" value { f: inf } }
        attr { key: "minus_inf" value { f: -inf } }
        attr { key: "infinity" value { f: Infinity } }
        attr { key: "nan" value { f: nan } }
        attr { key: "largest" value { f: 3.4028235e38 } }
        attr { key: "too_large" value { f: 3.5e38 } }
        attr { key: "too_small" value { f: -1e39 } }
        attr { key: "true" value { b: true } }
        attr { key: "t" value { b: t } }
        attr { key: "one" value { b: 1 } }
        attr { key: "False" value { b: False } }
        attr { key: "tensor" value { tensor {
          int_val: -2147483648 int_val: 0x7fffffff uint32_val: 4294967295
          uint64_val: 0xFFFFFFFFFFFFFFFF double_val: -1e308 double_val: -nan bool_val: [true, f, 0]
        } } }
      }
    )");
    const auto& attr = graph.node(0).attr();
    CHECK(attr.at("hex").i() == 31);
    CHECK(attr.at("octal").i() == 15);
    CHECK(attr.at("negative").i() == std::numeric_limits<int64_t>::min());
    CHECK(attr.at("suffix").f() == 1.0f);
    CHECK(attr.at("suffix2").f() == 2.0f);
    CHECK(attr.at("dot").f() == 0.5f);
    CHECK(attr.at("exponent").f() == -1.5e-3f);
    CHECK(attr.at("integer").f() == 3.0f);
    CHECK(attr.at("inf").f() == std::numeric_limits<float>::infinity());
    CHECK(attr.at("minus_inf").f() == -std::numeric_limits<float>::infinity());
    CHECK(attr.at("infinity").f() == std::numeric_limits<float>::infinity());
    CHECK(std::isnan(attr.at("nan").f()));
    CHECK(attr.at("largest").f() == std::numeric_limits<float>::max());
    CHECK(attr.at("too_large").f() == std::numeric_limits<float>::infinity());
    CHECK(attr.at("too_small").f() == -std::numeric_limits<float>::infinity());
    CHECK(attr.at("true").b());
    CHECK(attr.at("t").b());
    CHECK(attr.at("one").b());
    CHECK(attr.at("False").value_case() == tensorflow::AttrValue::kB);
    CHECK_FALSE(attr.at("False").b());
    const tensorflow::TensorProto& tensor = attr.at("tensor").tensor();
    CHECK(tensor.int_val(0) == std::numeric_limits<int32_t>::min());
    CHECK(tensor.int_val(1) == std::numeric_limits<int32_t>::max());
    CHECK(tensor.uint32_val(0) == 4294967295u);
    CHECK(tensor.uint64_val(0) == std::numeric_limits<uint64_t>::max());
    CHECK(tensor.double_val(0) == -1e308);
    CHECK(std::isnan(tensor.double_val(1)));
    REQUIRE(tensor.bool_val_size() == 3);
    CHECK(tensor.bool_val(0));
    CHECK_FALSE(tensor.bool_val(1));
  }
  SECTION("enums by name, ref name, or number (known or not)") {
    tensorflow::GraphDef graph = parse_text(
        "node { attr { key: \"a\" value { type: DT_BFLOAT16 } } attr { key: \"b\" value { type: DT_HALF_REF } }"
        " attr { key: \"c\" value { type: 9 } } attr { key: \"d\" value { type: 77 } } }");
    const auto& attr = graph.node(0).attr();
    CHECK(attr.at("a").type() == tensorflow::DT_BFLOAT16);
    CHECK(attr.at("b").type() == tensorflow::DT_HALF_REF);
    CHECK(attr.at("c").type() == tensorflow::DT_INT64);
    CHECK(static_cast<int>(attr.at("d").type()) == 77);
    CHECK(mq::print_text_graph(graph).find("type: 77\n") != std::string::npos);
  }
  SECTION("map entries: a later key replaces an earlier one; key and value may be left out") {
    tensorflow::GraphDef graph = parse_text(
        "node { attr { key: \"x\" value { i: 1 } } attr { value { i: 2 } key: \"x\" } attr { key: \"y\" } attr {} }");
    const auto& attr = graph.node(0).attr();
    REQUIRE(attr.size() == 3);
    CHECK(attr.at("x").i() == 2);
    CHECK(attr.at("y").value_case() == tensorflow::AttrValue::VALUE_NOT_SET);
    CHECK(attr.count("") == 1);
  }
  SECTION("empty text and comment-only text give an empty graph") {
    CHECK(parse_text("").node_size() == 0);
    CHECK(parse_text("  # nothing\n\n").node_size() == 0);
  }
}

TEST_CASE("reading errors name the line and column", "[text]") {
  SECTION("unknown field") {
    CHECK(parse_error("node {\n  nmae: \"a\"\n}\n") == "line 2:3: unknown field 'nmae' in NodeDef");
    std::string nested = parse_error("node {\n  attr { key: \"a\" value { shape { dim { szie: 1 } } } }\n}");
    CHECK(nested == "line 2:41: unknown field 'szie' in TensorShapeProto.Dim");
    CHECK(parse_error("nodes { }").find("unknown field 'nodes' in GraphDef") != std::string::npos);
  }
  SECTION("bad enum") {
    std::string message =
        parse_error("node {\n  name: \"a\"\n  attr {\n    key: \"T\"\n    value { type: DT_FLAOT }\n  }\n}\n");
    CHECK(message.rfind("line 5:19: ", 0) == 0);
    CHECK(message.find("'DT_FLAOT'") != std::string::npos);
    CHECK(message.find("field 'type' of AttrValue") != std::string::npos);
    CHECK(parse_error("node { attr { value { type: DT_INVALID_REF } } }").find("DT_INVALID_REF") !=
          std::string::npos);
    CHECK(parse_error("node { attr { value { type: \"DT_FLOAT\" } } }").rfind("line 1:29: ", 0) == 0);
  }
  SECTION("unterminated string") {
    std::string message = parse_error("node {\n  name: \"abc\n}\n");
    CHECK(message.rfind("line 2:9: ", 0) == 0);
    CHECK(message.find("not terminated") != std::string::npos);
    CHECK(parse_error("node { name: 'abc\\'").rfind("line 1:14: ", 0) == 0);
  }
  SECTION("missing or wrong brace") {
    std::string message = parse_error("node {\n  name: \"a\"\n");
    CHECK(message.rfind("line 3:1: ", 0) == 0);
    CHECK(message.find("'}'") != std::string::npos);
    CHECK(message.find("opened at line 1:6") != std::string::npos);
    CHECK(parse_error("node { attr { key: \"a\" }").rfind("line 1:25: ", 0) == 0);
    CHECK(parse_error("node < name: \"a\" }").rfind("line 1:18: ", 0) == 0);
    CHECK(parse_error("node { name: \"a\" } }").rfind("line 1:20: ", 0) == 0);
    CHECK(parse_error("node name: \"a\"").rfind("line 1:6: ", 0) == 0);
  }
  SECTION("values that do not fit the field") {
    CHECK(parse_error("versions { producer: 2147483648 }").rfind("line 1:22: ", 0) == 0);
    CHECK(parse_error("versions { producer: -2147483649 }").find("out of range") != std::string::npos);
    CHECK(parse_error("node { attr { value { i: 1.5 } } }").find("expected an integer") != std::string::npos);
    CHECK(parse_error("node { attr { value { i: 99999999999999999999 } } }").find("out of range") !=
          std::string::npos);
    CHECK(parse_error("node { attr { value { b: yes } } }").find("expected true or false") != std::string::npos);
    CHECK(parse_error("node { attr { value { f: abc } } }").find("expected a number") != std::string::npos);
    CHECK(parse_error("node { name: 5 }").find("expected a quoted string") != std::string::npos);
    CHECK(parse_error("node { name \"a\" }").find("expected ':'") != std::string::npos);
    CHECK(parse_error("library { function { resource_arg_unique_id { key: -1 } } }").find("cannot be negative") !=
          std::string::npos);
    CHECK(parse_error("node { attr { value { i: 08 } } }").find("octal") != std::string::npos);
    CHECK(parse_error("node { attr { value { i: 12abc } } }").rfind("line 1:28: ", 0) == 0);
    CHECK(parse_error("node { name: \"\\q\" }").rfind("line 1:15: ", 0) == 0);
    CHECK(parse_error("node { name: \"\\377\" }").find("UTF-8") != std::string::npos);
  }
  SECTION("a field given twice, two members of a oneof, a list for a single field") {
    CHECK(parse_error("node { name: \"a\" name: \"b\" }").find("more than once") != std::string::npos);
    CHECK(parse_error("node { attr { value { i: 1 f: 2 } } }").find("same oneof") != std::string::npos);
    CHECK(parse_error("node { name: [\"a\"] }").find("not repeated") != std::string::npos);
    CHECK(parse_error("versions {} versions {}").rfind("line 1:13: ", 0) == 0);
  }
  SECTION("nesting deeper than protobuf allows") {
    std::string text = "node { experimental_type {";
    for (int i = 0; i < 150; ++i) text += " args {";
    CHECK(parse_error(text).find("nested more than 100") != std::string::npos);
  }
}

TEST_CASE("nesting as deep as the reader allows survives a round trip", "[text]") {
  // node (1) + experimental_type (2) + 98 levels of args = 100 nested messages.
  std::string text = "node { experimental_type {";
  for (int i = 0; i < 98; ++i) text += " args {";
  text += std::string(100, '}');
  tensorflow::GraphDef graph = parse_text(text);
  CHECK(binary_of(parse_text(mq::print_text_graph(graph))) == binary_of(graph));
}

TEST_CASE("the tiny fixture is detected as text and reads as the graph it describes", "[text]") {
  tensorflow::GraphDef graph;
  mq::GraphFormat format = mq::GraphFormat::kBinary;
  mq::Status status = mq::load_graph_file(mq::test::test_data("tiny_graph.pbtxt"), &graph, &format);
  INFO(status.message());
  REQUIRE(status.is_ok());
  CHECK(format == mq::GraphFormat::kText);
  REQUIRE(graph.node_size() == 4);
  CHECK(graph.node(0).op() == "Placeholder");
  CHECK(graph.node(0).attr().at("shape").shape().dim(0).size() == -1);
  const tensorflow::TensorProto& weights = graph.node(1).attr().at("value").tensor();
  REQUIRE(weights.float_val_size() == 4);
  CHECK(weights.float_val(3) == 4.0f);
  CHECK(graph.node(2).op() == "MatMul");
  CHECK(graph.node(2).input(1) == "weights");
  CHECK(graph.node(3).input(1) == "^weights");
  CHECK(graph.versions().producer() == 27);

  // The printed form reads back to the same graph, through parse_graph too.
  auto text = mq::serialize_graph(graph, mq::GraphFormat::kText);
  REQUIRE(text.is_ok());
  tensorflow::GraphDef again;
  REQUIRE(mq::parse_graph(*text, "again.pbtxt", &again, &format).is_ok());
  CHECK(format == mq::GraphFormat::kText);
  CHECK(binary_of(again) == binary_of(graph));
}

TEST_CASE("parse_graph reports text errors with their position", "[text]") {
  tensorflow::GraphDef graph;
  mq::Status status = mq::parse_graph("node {\n  nmae: \"a\"\n}\n", "model.pbtxt", &graph);
  REQUIRE_FALSE(status.is_ok());
  CHECK(status.message().find("model.pbtxt") != std::string::npos);
  CHECK(status.message().find("line 2:3: unknown field 'nmae' in NodeDef") != std::string::npos);
}

TEST_CASE("damaged text never crashes the reader", "[text]") {
  std::string fixture = mq::test::read_bytes(mq::test::test_data("tiny_graph.pbtxt"));
  std::mt19937 rng(5);
  const std::string symbols = "{}<>[]:;,-'\"\\#.0x9eEf \n";
  int accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text = fixture;
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0: text[at] = symbols[rng() % symbols.size()]; break;
        case 1: text.erase(at, 1 + rng() % 8); break;
        default: text.insert(at, 1, symbols[rng() % symbols.size()]); break;
      }
      if (text.empty()) text = "x";
    }
    tensorflow::GraphDef graph;
    mq::Status status = mq::parse_text_graph(text, &graph);
    if (status.is_ok()) {
      ++accepted;
      // Whatever was accepted prints and reads back unchanged.
      CHECK(binary_of(parse_text(mq::print_text_graph(graph))) == binary_of(graph));
    } else {
      INFO(text);
      CHECK(status.message().rfind("line ", 0) == 0);
    }
  }
  CHECK(accepted > 0);
}
