OBJ_test_exec := $(B)/backends/exec.o
