# everything but main(): the report test runs whole jobs
OBJ_test_report := $(LIB_OBJ)
