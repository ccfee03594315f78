OBJ_test_protocol := build/harness/protocol.o
