// Each test boots a TCG virtual machine; two cores run one at a time well, several at once badly.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
