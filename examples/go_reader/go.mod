module tuncheck.example/go_reader

go 1.19
