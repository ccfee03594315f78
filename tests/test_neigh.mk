OBJ_test_neigh = $(B)/harness/job/neigh.o $(OBJ_test_packet)
