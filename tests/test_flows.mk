# flows_tally is pure, but flows.c also waits on a job: link the rest
OBJ_test_flows := $(LIB_OBJ)
