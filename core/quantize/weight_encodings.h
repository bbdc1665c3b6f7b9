// The encodings quantize_weights can give a float Const, each as the nodes
// that replace it (the last one keeps the Const's name, so consumers are
// unchanged) plus how much smaller and how far off the result is:
//
//   quint8 MIN_FIRST (GTT's quantize_weights, bit for bit):
//     <n>_quantized_const (quint8), <n>_quantized_min, <n>_quantized_max,
//     <n> = Dequantize {T=quint8, mode=MIN_FIRST}
//   symmetric qint8, per channel or per tensor:
//     <n>_quantized_const (qint8), <n>_quantized_min ([C] or scalar, −max|v|),
//     <n>_quantized_max ([C] or scalar, +max|v|),
//     <n> = Dequantize {T=qint8, mode=SCALED, narrow_range=true[, axis]}
//   float16:
//     <n>_float16_const (half), <n> = Cast {SrcT=half, DstT=float}
//
// Every encoder reads the values once to find the range and once to encode
// them (measuring the error on the fly), and writes the new tensor_content
// in place. Nothing is allocated per element.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/proto/graph.pb.h"
#include "core/quantize/quantize_math.h"
#include "core/util/status.h"

namespace mq {

struct EncodedWeights {
  std::vector<tensorflow::NodeDef> nodes;  // in the order they go into the graph
  std::string encoding;                    // "quint8 min_first", "qint8 per_channel(axis=3)", "float16"
  uint64_t bytes_after = 0;                // value bytes of every new Const
  QuantizationError error;
};

// GTT's quantize_weights for one Const (transforms.md quantize_weights).
EncodedWeights encode_quint8_min_first(const std::string& name, const float* values, int64_t count,
                                       const std::vector<int64_t>& shape);

// Symmetric int8 with one scale per slice along `axis` (−1: one scale for the
// whole tensor). Fails (nothing to emit) when a value is NaN or infinite,
// which no finite scale can represent.
StatusOr<EncodedWeights> encode_symmetric_int8(const std::string& name, const float* values, int64_t count,
                                               const std::vector<int64_t>& shape, int axis);

// IEEE half values behind a Cast back to float. Fails (nothing to emit) when
// a finite value is too large for a half (|v| ≥ 65520 would become infinity).
StatusOr<EncodedWeights> encode_float16(const std::string& name, const float* values, int64_t count,
                                        const std::vector<int64_t>& shape);

}  // namespace mq
