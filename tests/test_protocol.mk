OBJ_test_protocol := $(B)/harness/protocol.o
