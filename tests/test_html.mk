# everything but main(): the page is drawn from synthetic jobs
OBJ_test_html := $(LIB_OBJ)
