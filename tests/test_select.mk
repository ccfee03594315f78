# everything but main(): selection reads the case and job types
OBJ_test_select := $(LIB_OBJ)
