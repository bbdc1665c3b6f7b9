#include <iostream>

int main(int argc, char** argv) {
  std::cout << "modelquant " << MQ_VERSION << "\n";
  return 0;
}
