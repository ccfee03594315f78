OBJ_test_sandbox := $(B)/netns/link_msg.o $(B)/netns/link.o $(B)/netns/sysctl.o \
	$(B)/netns/userns.o $(B)/netns/sandbox.o $(B)/netns/probe.o $(B)/netns/tun.o \
	$(B)/netns/fsview.o $(B)/netns/lockdown.o
