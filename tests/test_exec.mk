OBJ_test_exec := $(B)/backends/exec.o $(B)/backends/exec_proto.o $(B)/harness/case/errname.o
