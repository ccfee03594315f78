OBJ_test_outcomes := $(B)/harness/case/outcomes.o
