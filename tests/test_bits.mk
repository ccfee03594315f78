OBJ_test_bits := $(B)/harness/case/bits.o
