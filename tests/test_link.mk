OBJ_test_link := $(B)/netns/link_msg.o $(B)/netns/link.o $(B)/netns/sysctl.o \
	$(B)/netns/userns.o
