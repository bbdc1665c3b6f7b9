// The floor for whole-process figures: read a GraphDef file, parse it with
// protobuf-lite, serialize it and write it — nothing else.
//   floor_roundtrip IN.pb OUT.pb
#include <fstream>
#include <iostream>
#include <string>

#include "core/proto/graph.pb.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: floor_roundtrip IN.pb OUT.pb\n";
    return 2;
  }
  // One read into a buffer of the file's size (a byte-at-a-time
  // istreambuf_iterator read made the floor slower than the work it bounds).
  std::string bytes;
  {
    std::ifstream in(argv[1], std::ios::binary | std::ios::ate);
    if (!in) {
      std::cerr << "floor_roundtrip: cannot open " << argv[1] << "\n";
      return 2;
    }
    bytes.resize(static_cast<size_t>(in.tellg()));
    in.seekg(0);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!in) {
      std::cerr << "floor_roundtrip: cannot read " << argv[1] << "\n";
      return 2;
    }
  }
  tensorflow::GraphDef graph;
  if (!graph.ParseFromString(bytes)) {
    std::cerr << "floor_roundtrip: cannot parse " << argv[1] << "\n";
    return 2;
  }
  std::string().swap(bytes);
  std::string out = graph.SerializeAsString();
  std::ofstream(argv[2], std::ios::binary).write(out.data(), static_cast<std::streamsize>(out.size()));
  return 0;
}
