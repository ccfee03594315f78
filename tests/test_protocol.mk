OBJ_test_protocol := $(B)/harness/run/protocol.o
