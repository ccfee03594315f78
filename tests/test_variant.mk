OBJ_test_variant := $(B)/harness/case/variant.o $(B)/harness/case/case.o $(B)/harness/case/parser.o $(B)/harness/case/directive.o $(B)/harness/case/expectation.o $(B)/harness/case/errname.o
