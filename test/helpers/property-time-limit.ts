import fc from 'fast-check';

// A property's runs are synchronous, so the test timeout cannot stop one; a failure that takes long to shrink would
// hold its worker for as long as shrinking lasts. Past this limit fast-check stops: a failure found so far is still
// reported (with the smallest counterexample reached), a property with no failure passes on the runs it made.
fc.configureGlobal({ interruptAfterTimeLimit: 20_000 });
