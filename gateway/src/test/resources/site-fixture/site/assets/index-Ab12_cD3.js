console.log("the site fixture");
