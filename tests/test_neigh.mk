OBJ_test_neigh = $(B)/harness/job/neigh.o $(B)/harness/job/capture.o $(OBJ_test_packet)
