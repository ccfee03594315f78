OBJ_test_exec := $(B)/backends/exec.o $(B)/harness/case/errname.o
